"""Reading a task list (任务分工方案) into plain data: sections, numbered tasks, the units named for each
task as written, and the 完成时限 understood as a kind of deadline. No database access: matching the
names against the unit register is done by the importer on top of this output.
"""
