"""Piccolo app config for Arauto's tables."""

from pathlib import Path

from piccolo.conf.apps import AppConfig, table_finder

APP_CONFIG = AppConfig(
    app_name="arauto",
    migrations_folder_path=str(Path(__file__).parent / "migrations"),
    table_classes=table_finder(modules=["models.tables"], exclude_imported=True),
    migration_dependencies=["piccolo.apps.user.piccolo_app"],
    commands=[],
)
