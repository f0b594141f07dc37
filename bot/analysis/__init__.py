"""The pure analysis: DataFrames in, DataFrames out, no I/O."""
