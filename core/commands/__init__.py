"""Subcommands of ``python main.py``; each module has ``add_parser`` and ``run``."""
