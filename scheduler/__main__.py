"""``python -m scheduler`` runs the same CLI as the ``scheduler`` script."""

from cli import main

main()
