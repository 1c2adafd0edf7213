from mktctl.cli.main import run

run()
