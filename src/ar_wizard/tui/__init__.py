"""The Textual front end: one screen per step of ``flow.py``, over one shared draft."""
