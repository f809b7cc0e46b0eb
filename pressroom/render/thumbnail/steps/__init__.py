"""One file per step of the thumbnail pipeline; each takes the ThumbnailContext and changes it."""
