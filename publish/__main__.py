from .cli import run

# Guarded: with -j N, worker processes are spawned and import the main module again.
if __name__ == "__main__":
    run()
