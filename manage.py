#!/usr/bin/env python
import os
import sys

if __name__ == "__main__":
    # Development default; production sets DJANGO_SETTINGS_MODULE=config.settings.production.
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.demo")
    from django.core.management import execute_from_command_line

    execute_from_command_line(sys.argv)
