/** Small stroke icons (inline SVG, so no icon font is needed). */
import type { ReactNode } from 'react'

const Svg = ({ children }: { children: ReactNode }) => (
  <svg
    width="14"
    height="14"
    viewBox="0 0 24 24"
    fill="none"
    stroke="currentColor"
    strokeWidth="2"
    strokeLinecap="round"
    strokeLinejoin="round"
    aria-hidden
  >
    {children}
  </svg>
)

export const PauseIcon = () => (
  <Svg>
    <path d="M9 5v14M15 5v14" />
  </Svg>
)
export const PlayIcon = () => (
  <Svg>
    <path d="M7 4l13 8-13 8z" />
  </Svg>
)
export const StopIcon = () => (
  <Svg>
    <rect x="6" y="6" width="12" height="12" rx="1.5" />
  </Svg>
)
export const RetryIcon = () => (
  <Svg>
    <path d="M3 12a9 9 0 1 0 3-6.7L3 8" />
    <path d="M3 3v5h5" />
  </Svg>
)
export const CopyIcon = () => (
  <Svg>
    <rect x="9" y="9" width="12" height="12" rx="2" />
    <path d="M5 15H4a1 1 0 0 1-1-1V4a1 1 0 0 1 1-1h10a1 1 0 0 1 1 1v1" />
  </Svg>
)
export const TrashIcon = () => (
  <Svg>
    <path d="M3 6h18M8 6V4h8v2M6 6l1 14h10l1-14" />
  </Svg>
)

export const ACTION_ICONS = {
  pause: PauseIcon,
  resume: PlayIcon,
  cancel: StopIcon,
  retry: RetryIcon,
  duplicate: CopyIcon,
  delete: TrashIcon,
} as const
