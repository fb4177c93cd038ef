"""QAbstractTableModels over rows the core returns (lists of dataclasses), sorted in Python."""
