"""One file per step of the thumbnail pipeline; each takes a RenderJob and changes it."""
