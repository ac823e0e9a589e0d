"""The public showcase: what the cooperation produced, readable by anyone without log-in, in both languages."""
