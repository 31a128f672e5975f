"""python run.py → serves dsar on http://127.0.0.1:5000 (--host, --port);
python run.py COMMAND → the command line (python run.py --help lists the commands)."""

from dsar.cli import main

if __name__ == "__main__":
    main()
