from backcoach.cli.app import main

main()
