"""The `wop` command: `wop up` runs everything; also users, workers, the scheduler, migrations.

`wop up` goes straight to the supervisor, which stays light: it imports neither Flask nor the
app (its children do). Every other command is Flask's CLI, in wop/commands.py.
"""
import sys


def main():
    if sys.argv[1:2] == ["up"]:
        from .supervisor import run_all

        sys.exit(run_all())
    from .commands import cli

    cli()


if __name__ == "__main__":
    main()
