"""执法人员与证件: the roster, each certificate's lifecycle, warnings, the annual 清理, imports and exports."""
