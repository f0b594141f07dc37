"""The compiled part of gapbot; everything else is declared in pyproject.toml."""

from setuptools import Extension, setup

# Loops over whole text columns (URL, host and domain keys): see bot/compiled_text.pyx
setup(ext_modules=[Extension("bot.compiled_text", ["bot/compiled_text.pyx"])])
