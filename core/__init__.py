"""预算公开工作台 core: the document model, importer, validation, store and exporters.

Nothing in this package imports Qt (tests/test_architecture.py enforces it).
"""

__version__ = "0.1.0"
