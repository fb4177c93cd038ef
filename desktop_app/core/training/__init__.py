"""培训学时: sessions and attendance, the 60-hour ledger, 全员轮训, imports and exports."""
