/** Product identity shared by every process. */
export const APP_NAME = 'HDARTS Studio'
export const APP_VERSION = '0.1.0'
