"""Dealbook's interface: the Textual app and the `dealbook` command line."""
