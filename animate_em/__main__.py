from animate_em.cli import main

main()
