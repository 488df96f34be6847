"""Fixed vocabularies of the catalog, each code with its English and German label.

They are catalog content rather than interface text, so both labels live here next to the code
instead of in the message catalogs.
"""

from __future__ import annotations

from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

Vocabulary = dict[str, tuple[str, str]]

# The catalog's languages (every text exists in each), from the site's LANGUAGES setting.
LANGUAGES: tuple[str, ...] = tuple(code for code, _name in settings.LANGUAGES)

# What a company wants most from a use case; "balanced" weighs the three value dimensions alike.
GOALS: Vocabulary = {
    "balanced": ("Balanced", "Ausgewogen"),
    "cost_reduction": ("Reduce costs", "Kosten senken"),
    "revenue": ("Increase revenue", "Umsatz steigern"),
    "company_value": ("Increase company value", "Unternehmenswert steigern"),
}
DEFAULT_GOAL = "balanced"

BUSINESS_FUNCTIONS: Vocabulary = {
    "production": ("Production", "Produktion"),
    "maintenance": ("Maintenance", "Instandhaltung"),
    "quality": ("Quality management", "Qualitätsmanagement"),
    "supply_chain": ("Supply chain", "Lieferkette"),
    "logistics": ("Logistics", "Logistik"),
    "procurement": ("Procurement", "Einkauf"),
    "marketing": ("Marketing", "Marketing"),
    "sales": ("Sales", "Vertrieb"),
    "customer_service": ("Customer service", "Kundenservice"),
    "finance": ("Finance", "Finanzen"),
    "accounting": ("Accounting", "Buchhaltung"),
    "hr": ("Human resources", "Personalwesen"),
    "it": ("IT", "IT"),
    "legal_compliance": ("Legal and compliance", "Recht und Compliance"),
    "research_development": ("Research and development", "Forschung und Entwicklung"),
    "management": ("Management", "Geschäftsführung"),
    "administration": ("Administration", "Verwaltung"),
    "health_safety": ("Health and safety", "Arbeitsschutz"),
    "facility_energy": ("Facilities and energy", "Gebäude und Energie"),
}

INDUSTRIES: Vocabulary = {
    "manufacturing": ("Manufacturing", "Produzierendes Gewerbe"),
    "automotive": ("Automotive", "Automobil"),
    "mechanical_engineering": ("Mechanical engineering", "Maschinenbau"),
    "chemicals_pharma": ("Chemicals and pharma", "Chemie und Pharma"),
    "food_beverage": ("Food and beverage", "Lebensmittel und Getränke"),
    "retail_ecommerce": ("Retail and e-commerce", "Handel und E-Commerce"),
    "wholesale": ("Wholesale", "Großhandel"),
    "logistics_transport": ("Logistics and transport", "Logistik und Transport"),
    "energy_utilities": ("Energy and utilities", "Energie und Versorgung"),
    "construction": ("Construction", "Bauwesen"),
    "financial_services": ("Financial services", "Finanzdienstleistungen"),
    "insurance": ("Insurance", "Versicherungen"),
    "healthcare": ("Healthcare", "Gesundheitswesen"),
    "tourism_hospitality": ("Tourism and hospitality", "Tourismus und Gastgewerbe"),
    "media_publishing": ("Media and publishing", "Medien und Verlage"),
    "telecommunications": ("Telecommunications", "Telekommunikation"),
    "public_sector": ("Public sector", "Öffentlicher Sektor"),
    "professional_services": ("Professional services", "Beratung und Dienstleistungen"),
    "software_it": ("Software and IT", "Software und IT"),
    "agriculture": ("Agriculture", "Landwirtschaft"),
    "cross_industry": ("All industries", "Branchenübergreifend"),
}

AI_TECHNIQUES: Vocabulary = {
    "computer_vision": ("Image recognition", "Bilderkennung"),
    "natural_language_processing": ("Language processing", "Sprachverarbeitung"),
    "speech_recognition": ("Speech recognition", "Spracherkennung"),
    "time_series_forecasting": ("Time-series forecasting", "Zeitreihenprognose"),
    "anomaly_detection": ("Anomaly detection", "Anomalieerkennung"),
    "classification": ("Classification", "Klassifikation"),
    "regression": ("Regression", "Regression"),
    "recommendation": ("Recommendation", "Empfehlungssysteme"),
    "optimization": ("Optimisation", "Optimierung"),
    "reinforcement_learning": ("Reinforcement learning", "Bestärkendes Lernen"),
    "generative_ai": ("Generative AI", "Generative KI"),
    "large_language_models": ("Large language models", "Große Sprachmodelle"),
    "clustering": ("Clustering", "Clustering"),
    "semi_supervised_learning": ("Semi-supervised learning", "Teilüberwachtes Lernen"),
    "information_extraction": ("Information extraction", "Informationsextraktion"),
    "semantic_search": ("Semantic search", "Semantische Suche"),
    "machine_translation": ("Machine translation", "Maschinelle Übersetzung"),
    "sentiment_analysis": ("Sentiment analysis", "Stimmungsanalyse"),
    "synthetic_data": ("Synthetic data", "Synthetische Daten"),
}

OBSTACLES: Vocabulary = {
    "skilled_staff": ("Too few skilled staff", "Zu wenig Fachkräfte"),
    "data_quality": ("Data quality", "Datenqualität"),
    "data_availability": ("Data availability", "Datenverfügbarkeit"),
    "ai_strategy": ("No AI strategy", "Fehlende KI-Strategie"),
    "technology_maturity": ("Technology maturity", "Technologiereife"),
    "legal_regulatory": ("Legal and regulatory questions", "Rechtliche und regulatorische Fragen"),
    "financial_resources": ("Financial resources", "Finanzielle Mittel"),
    "change_management": ("Mindset and change management", "Denkweise und Veränderungsmanagement"),
}

COMPANY_SIZES: Vocabulary = {
    "micro": ("Under 10 employees", "Unter 10 Beschäftigte"),
    "small": ("10 to 49 employees", "10 bis 49 Beschäftigte"),
    "medium": ("50 to 249 employees", "50 bis 249 Beschäftigte"),
    "large": ("250 employees or more", "250 Beschäftigte und mehr"),
}

LANGUAGE_CODES: Vocabulary = {"en": ("English", "Englisch"), "de": ("German", "Deutsch")}

# Where a provider takes on projects: the German-speaking countries one by one, else the EU.
REGIONS: Vocabulary = {
    "DE": ("Germany", "Deutschland"),
    "AT": ("Austria", "Österreich"),
    "CH": ("Switzerland", "Schweiz"),
    "EU": ("Across the EU", "EU-weit"),
}


def label(vocabulary: Vocabulary, code: str, language: str | None = None) -> str:
    """The label of `code` in `language` (default: the active language), or the code if unknown."""
    labels = vocabulary.get(code)
    if labels is None:
        return code
    return labels[1] if (language or get_language() or "en").startswith("de") else labels[0]


def choices(vocabulary: Vocabulary) -> list[tuple[str, str]]:
    """(code, label) pairs in the active language, for form fields."""
    return [(code, label(vocabulary, code)) for code in vocabulary]


def validate_codes(vocabulary: Vocabulary, field: str, codes: object) -> None:
    """Raise a ValidationError on `field` naming the codes that are not in `vocabulary`."""
    unknown = unknown_codes(vocabulary, codes)
    if unknown:
        raise ValidationError(
            {field: _("Unknown values: %(codes)s") % {"codes": ", ".join(unknown)}}
        )


def unknown_codes(vocabulary: Vocabulary, codes: object) -> list[str]:
    """Codes not in `vocabulary`; a value that is not a list of strings is reported whole."""
    if not isinstance(codes, list) or not all(isinstance(code, str) for code in codes):
        return [repr(codes)]
    return [code for code in codes if code not in vocabulary]
