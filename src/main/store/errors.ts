/** The one error the store throws for things a user can act on (bad file, newer schema, unknown run). */
export class StoreError extends Error {
  override readonly name = 'StoreError'
}

/** `PRAGMA application_id` of an HDARTS Studio database ('HDAS'). */
export const APPLICATION_ID = 0x48444153
