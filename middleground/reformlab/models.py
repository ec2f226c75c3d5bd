"""Decision rules of international bodies, their voting-power results and the data behind
representation (population and GDP by country and year)."""

from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _


class Body(models.Model):
    """An international body whose decision rules are modelled (UN Security Council, ...)."""

    slug = models.SlugField(unique=True)
    name = models.CharField(_("name"), max_length=200)
    description = models.TextField(_("description"), blank=True)
    position = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["position", "name"]
        verbose_name_plural = _("bodies")

    def __str__(self) -> str:
        return self.name


class ScenarioVisibility(models.TextChoices):
    PRIVATE = "private", _("Private: only me")
    LINK = "link", _("Shared: anyone with the link")
    PUBLIC = "public", _("Published: listed for everyone")


class SeatCategory(models.TextChoices):
    PERMANENT = "permanent", _("Permanent")
    NEW_PERMANENT = "new_permanent", _("New permanent")
    ELECTED = "elected", _("Elected")
    MEMBER = "member", _("Member")


class Scenario(models.Model):
    """A decision rule of a body: seats, weights per criterion, quotas, alternatives, vetoes.

    Built-in scenarios come from ``data/scenarios.json`` and are read-only; custom ones
    belong to the user who built them (private unless shared; the secretariat publishes).
    """

    slug = models.SlugField(max_length=80, unique=True)
    body = models.ForeignKey(
        Body, on_delete=models.PROTECT, related_name="scenarios", verbose_name=_("body")
    )
    name = models.CharField(_("name"), max_length=200)
    description = models.TextField(_("description"), blank=True, max_length=4000)
    source = models.TextField(_("source document"), blank=True, max_length=2000)
    rule = models.TextField(_("decision rule"), blank=True, max_length=1000)
    threshold_confirmed = models.BooleanField(_("threshold confirmed"), default=True)
    threshold_note = models.TextField(_("note on the threshold"), blank=True, max_length=2000)
    criteria = models.JSONField(_("criteria"), default=list)  # names, one per weight
    quotas = models.JSONField(_("quotas"), default=list)  # exact numbers as strings
    alternatives = models.JSONField(_("alternative quotas"), default=list, blank=True)
    data_year = models.PositiveIntegerField(_("population year"), default=2024)
    builtin = models.BooleanField(_("built-in"), default=False)
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="reform_scenarios",
    )
    visibility = models.CharField(
        _("visibility"),
        max_length=10,
        choices=ScenarioVisibility.choices,
        default=ScenarioVisibility.PRIVATE,
    )
    based_on = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.SET_NULL, related_name="variants"
    )
    position = models.PositiveIntegerField(default=1000)
    is_demo = models.BooleanField(_("demo data"), default=False)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["body__position", "position", "name"]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("reformlab:scenario", args=[self.slug])

    @property
    def is_seat_council(self) -> bool:
        """One vote per seat and one quota: the builder can edit it seat by seat."""
        return len(self.quotas) == 1 and not self.alternatives

    @property
    def is_listed(self) -> bool:
        return self.builtin or self.visibility == ScenarioVisibility.PUBLIC


class Seat(models.Model):
    """A player of a scenario: a country, or a seat held by a regional group in rotation."""

    scenario = models.ForeignKey(Scenario, on_delete=models.CASCADE, related_name="seats")
    position = models.PositiveIntegerField(default=0)
    player_id = models.CharField(max_length=40)
    label = models.CharField(max_length=200, blank=True)
    category = models.CharField(max_length=20, choices=SeatCategory.choices)
    regional_group = models.CharField(max_length=10, blank=True)
    country = models.ForeignKey(
        "network.Country", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    veto = models.BooleanField(default=False)
    weights = models.JSONField(default=list)  # exact numbers as strings, one per criterion

    class Meta:
        ordering = ["scenario", "position"]
        constraints = [
            models.UniqueConstraint(fields=["scenario", "player_id"], name="reformlab_seat_unique")
        ]

    def __str__(self) -> str:
        return self.label or self.player_id


class CountryYear(models.Model):
    """Population and GDP (current US$) of a country in a year: World Bank, PDDL 1.0."""

    iso3 = models.CharField(max_length=3)
    year = models.PositiveIntegerField()
    population = models.BigIntegerField(null=True)
    gdp_usd = models.BigIntegerField(null=True)

    class Meta:
        ordering = ["iso3", "year"]
        constraints = [
            models.UniqueConstraint(fields=["iso3", "year"], name="reformlab_country_year_unique")
        ]

    def __str__(self) -> str:
        return f"{self.iso3} {self.year}"


class ResultStatus(models.TextChoices):
    COMPUTING = "computing", _("Computing")
    DONE = "done", _("Done")
    FAILED = "failed", _("Failed")


class PowerResultCache(models.Model):
    """Power indices of one game, keyed by a hash of the game, the indices and the method."""

    key = models.CharField(max_length=64, unique=True)
    game = models.JSONField()
    indices = models.JSONField(default=list)
    method = models.CharField(max_length=20, default="exact")
    status = models.CharField(
        max_length=10, choices=ResultStatus.choices, default=ResultStatus.COMPUTING
    )
    result = models.JSONField(null=True, blank=True)
    error = models.TextField(blank=True)
    seconds = models.FloatField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    def __str__(self) -> str:
        return f"{self.key[:12]} ({self.status})"
