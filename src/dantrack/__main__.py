from dantrack.cli import main

main()
