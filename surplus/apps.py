from django.apps import AppConfig


class SurplusConfig(AppConfig):
    name = "surplus"
    verbose_name = "Surplus reinvestment"
