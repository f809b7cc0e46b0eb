"""One module per tag; each is a function of the TagContext (see ../pipeline.py)."""
