from backcoach.cli import main

main()
