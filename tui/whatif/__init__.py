"""What-if scenarios in the app and on the command line: tables, the board's scenario mode and its draft."""
