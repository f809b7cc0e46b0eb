"""One module per tag; each is a function of the TagJob (see ../pipeline.py)."""
