from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils.text import slugify
from django.utils.translation import gettext_lazy as _

from middleground.network.reference_names import country_name, reference_text
from middleground.translations.languages import CODE_MAX, content_language_choices


class RegionalGroup(models.TextChoices):
    AFRICAN = "AFRICAN", _("African Group")
    ASIA_PACIFIC = "APG", _("Asia-Pacific Group")
    EASTERN_EUROPEAN = "EEG", _("Eastern European Group")
    LATIN_AMERICAN_CARIBBEAN = "GRULAC", _("Latin American and Caribbean Group")
    WESTERN_EUROPEAN_OTHERS = "WEOG", _("Western European and Others Group")


class Bloc(models.Model):
    """A membership organisation or group of states (SCO, BRICS, G20, P5, ...)."""

    code = models.CharField(_("code"), max_length=10, unique=True)
    name = models.CharField(_("name"), max_length=200)
    source = models.CharField(_("source"), max_length=300, blank=True)

    class Meta:
        ordering = ["code"]

    def __str__(self) -> str:
        return self.code

    @property
    def display_name(self) -> str:
        """The bloc's name in the active language (the catalogs translate shipped blocs)."""
        return reference_text(self.name)


class Country(models.Model):
    code = models.CharField(_("ISO 3166 alpha-2"), max_length=2, primary_key=True)
    alpha3 = models.CharField(_("ISO 3166 alpha-3"), max_length=3, unique=True)
    name = models.CharField(_("name"), max_length=200)
    m49_region = models.CharField(_("UN M49 region"), max_length=50, blank=True)
    m49_subregion = models.CharField(_("UN M49 sub-region"), max_length=100, blank=True)
    un_member = models.BooleanField(_("UN member"), default=False)
    regional_group = models.CharField(
        _("UN regional group"), max_length=10, choices=RegionalGroup.choices, blank=True
    )
    blocs = models.ManyToManyField(
        Bloc, related_name="countries", blank=True, verbose_name=_("blocs")
    )

    class Meta:
        ordering = ["name"]
        verbose_name_plural = _("countries")

    def __str__(self) -> str:
        return self.display_name

    def get_absolute_url(self) -> str:
        return reverse("network:country", args=[self.code])

    @property
    def display_name(self) -> str:
        """The name in the active language, from the ISO 3166-1 catalogs (pycountry)."""
        return country_name(self.code, self.name)


class FocusArea(models.Model):
    slug = models.SlugField(unique=True)
    name = models.CharField(_("name"), max_length=100)
    description = models.TextField(_("description"), blank=True, max_length=5_000)
    sdgs = models.JSONField(_("SDGs served"), default=list, help_text=_("Numbers 1-17"))

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.display_name

    def get_absolute_url(self) -> str:
        return reverse("network:focus_area", args=[self.slug])

    @property
    def display_name(self) -> str:
        """The name in the active language: shipped focus areas are in the catalogs, a
        focus area the secretariat added keeps the name it was given."""
        return reference_text(self.name)


class InstitutionType(models.TextChoices):
    THINK_TANK = "think_tank", _("Think tank")
    UNIVERSITY = "university", _("University")
    GOVERNMENT = "government", _("Government body")
    INTERNATIONAL = "international", _("International organisation")
    NGO = "ngo", _("NGO")
    OTHER = "other", _("Other")


class Institution(models.Model):
    name = models.CharField(_("name"), max_length=300, unique=True)
    slug = models.SlugField(max_length=300, unique=True)
    acronym = models.CharField(_("acronym"), max_length=30, blank=True)
    kind = models.CharField(_("type"), max_length=20, choices=InstitutionType.choices)
    country = models.ForeignKey(
        Country, on_delete=models.PROTECT, related_name="institutions", verbose_name=_("country")
    )
    website = models.URLField(_("website"), blank=True)
    description = models.TextField(_("description"), blank=True, max_length=10_000)
    #: the language the description is written in
    language = models.CharField(
        _("language"), max_length=CODE_MAX, choices=content_language_choices, default="en"
    )
    focus_areas = models.ManyToManyField(
        FocusArea, blank=True, related_name="institutions", verbose_name=_("focus areas")
    )
    verified = models.BooleanField(_("verified by the secretariat"), default=False)
    is_member = models.BooleanField(_("network member"), default=False)
    is_demo = models.BooleanField(_("demo data"), default=False)
    # who receives the institution's notices (representatives of it), and who gets a copy
    # when the focal point has not acted on one by its reminder
    focal_point = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("focal point"),
    )
    deputy = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("deputy"),
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name

    def save(self, *args, **kwargs):
        if not self.slug:
            self.slug = slugify(self.name)[:300] or "institution"
        super().save(*args, **kwargs)

    def get_absolute_url(self) -> str:
        return reverse("network:institution", args=[self.slug])


class ApplicationStatus(models.TextChoices):
    PENDING = "pending", _("Pending")
    APPROVED = "approved", _("Approved")
    REJECTED = "rejected", _("Rejected")


class MembershipApplication(models.Model):
    """An institution asks to join the network; the secretariat decides."""

    institution = models.ForeignKey(
        Institution, on_delete=models.CASCADE, related_name="applications"
    )
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    motivation = models.TextField(_("motivation"), max_length=5_000)
    status = models.CharField(
        _("status"),
        max_length=10,
        choices=ApplicationStatus.choices,
        default=ApplicationStatus.PENDING,
    )
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    decided_at = models.DateTimeField(null=True, blank=True)
    decision_note = models.TextField(blank=True, max_length=2_000)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.institution} ({self.status})"


class Visibility(models.TextChoices):
    PUBLIC = "public", _("Public")
    NETWORK = "network", _("Network members only")


class Expert(models.Model):
    name = models.CharField(_("name"), max_length=200)
    slug = models.SlugField(max_length=220, unique=True)
    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="expert_profile",
    )
    title = models.CharField(_("position"), max_length=300, blank=True)
    institution = models.ForeignKey(
        Institution,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="experts",
        verbose_name=_("affiliation"),
    )
    country = models.ForeignKey(
        Country, on_delete=models.PROTECT, related_name="experts", verbose_name=_("country")
    )
    focus_areas = models.ManyToManyField(
        FocusArea, blank=True, related_name="experts", verbose_name=_("focus areas")
    )
    languages = models.JSONField(_("languages"), default=list, blank=True)
    bio = models.TextField(_("short bio"), blank=True, max_length=2000)
    visibility = models.CharField(
        _("profile visibility"),
        max_length=10,
        choices=Visibility.choices,
        default=Visibility.PUBLIC,
    )
    is_demo = models.BooleanField(_("demo data"), default=False)

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("network:expert", args=[self.slug])


class TaskForce(models.Model):
    name = models.CharField(_("name"), max_length=200, unique=True)
    slug = models.SlugField(max_length=220, unique=True)
    focus_area = models.ForeignKey(
        FocusArea,
        on_delete=models.PROTECT,
        related_name="task_forces",
        verbose_name=_("focus area"),
    )
    chair = models.ForeignKey(
        Institution,
        on_delete=models.PROTECT,
        related_name="chaired_task_forces",
        verbose_name=_("chair institution"),
    )
    members = models.ManyToManyField(
        Institution, blank=True, related_name="task_forces", verbose_name=_("member institutions")
    )
    #: the people who do the work, picked from the directory (their institutions need not be
    #: members: a task force may draw on any expert)
    experts = models.ManyToManyField(
        Expert, blank=True, related_name="task_forces", verbose_name=_("expert members")
    )
    mandate = models.TextField(_("mandate"), max_length=10_000)
    #: the language the name and mandate are written in
    language = models.CharField(
        _("language"), max_length=CODE_MAX, choices=content_language_choices, default="en"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("network:task_force", args=[self.slug])
