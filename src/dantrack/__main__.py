from dantrack.cli import main  # noqa: TID251  (python -m dantrack: the entry point, above cli)

main()
