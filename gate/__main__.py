from gate._cli import main

main()
