"""Fixed word lists for the demo database: places, people's circumstances, the website they visit."""

from __future__ import annotations

from typing import NamedTuple


class City(NamedTuple):
    name: str
    region: str
    country: str
    country_code: str
    latitude: float
    longitude: float
    time_zone: str


class Locale(NamedTuple):
    code: str
    country_code: str
    weight: int
    tld: str
    free_mail: tuple[str, ...]


LOCALES: tuple[Locale, ...] = (
    Locale("en_US", "US", 18, "com", ("gmail.com", "yahoo.com", "outlook.com", "icloud.com")),
    Locale("en_GB", "GB", 8, "co.uk", ("gmail.com", "btinternet.com", "yahoo.co.uk", "outlook.com")),
    Locale("fr_FR", "FR", 8, "fr", ("gmail.com", "orange.fr", "free.fr", "laposte.net")),
    Locale("de_DE", "DE", 8, "de", ("gmail.com", "web.de", "gmx.de", "t-online.de")),
    Locale("es_ES", "ES", 6, "es", ("gmail.com", "hotmail.es", "yahoo.es")),
    Locale("it_IT", "IT", 5, "it", ("gmail.com", "libero.it", "virgilio.it")),
    Locale("pt_BR", "BR", 6, "com.br", ("gmail.com", "uol.com.br", "bol.com.br", "hotmail.com")),
    Locale("nl_NL", "NL", 4, "nl", ("gmail.com", "ziggo.nl", "kpnmail.nl")),
    Locale("pl_PL", "PL", 4, "pl", ("gmail.com", "wp.pl", "o2.pl", "onet.pl")),
    Locale("sv_SE", "SE", 3, "se", ("gmail.com", "telia.com", "outlook.com")),
    Locale("ja_JP", "JP", 5, "co.jp", ("gmail.com", "yahoo.co.jp", "docomo.ne.jp")),
    Locale("zh_CN", "CN", 5, "cn", ("qq.com", "163.com", "126.com")),
    Locale("ko_KR", "KR", 3, "co.kr", ("naver.com", "daum.net", "gmail.com")),
    Locale("ar_SA", "SA", 3, "sa", ("gmail.com", "hotmail.com", "outlook.sa")),
    Locale("he_IL", "IL", 3, "co.il", ("gmail.com", "walla.co.il", "012.net.il")),
    Locale("ru_RU", "RU", 4, "ru", ("mail.ru", "yandex.ru", "gmail.com")),
    Locale("tr_TR", "TR", 3, "com.tr", ("gmail.com", "hotmail.com", "yandex.com.tr")),
    Locale("hi_IN", "IN", 6, "in", ("gmail.com", "rediffmail.com", "yahoo.co.in")),
)

# Real cities with their real coordinates; the first entries of each country are home cities.
CITIES: tuple[City, ...] = (
    City("New York", "New York", "United States", "US", 40.7128, -74.0060, "America/New_York"),
    City("San Francisco", "California", "United States", "US", 37.7749, -122.4194, "America/Los_Angeles"),
    City("Chicago", "Illinois", "United States", "US", 41.8781, -87.6298, "America/Chicago"),
    City("Austin", "Texas", "United States", "US", 30.2672, -97.7431, "America/Chicago"),
    City("London", "England", "United Kingdom", "GB", 51.5074, -0.1278, "Europe/London"),
    City("Manchester", "England", "United Kingdom", "GB", 53.4808, -2.2426, "Europe/London"),
    City("Edinburgh", "Scotland", "United Kingdom", "GB", 55.9533, -3.1883, "Europe/London"),
    City("Paris", "Île-de-France", "France", "FR", 48.8566, 2.3522, "Europe/Paris"),
    City("Lyon", "Auvergne-Rhône-Alpes", "France", "FR", 45.7640, 4.8357, "Europe/Paris"),
    City("Marseille", "Provence-Alpes-Côte d'Azur", "France", "FR", 43.2965, 5.3698, "Europe/Paris"),
    City("Berlin", "Berlin", "Germany", "DE", 52.5200, 13.4050, "Europe/Berlin"),
    City("Munich", "Bavaria", "Germany", "DE", 48.1351, 11.5820, "Europe/Berlin"),
    City("Hamburg", "Hamburg", "Germany", "DE", 53.5511, 9.9937, "Europe/Berlin"),
    City("Madrid", "Community of Madrid", "Spain", "ES", 40.4168, -3.7038, "Europe/Madrid"),
    City("Barcelona", "Catalonia", "Spain", "ES", 41.3874, 2.1686, "Europe/Madrid"),
    City("Valencia", "Valencian Community", "Spain", "ES", 39.4699, -0.3763, "Europe/Madrid"),
    City("Rome", "Lazio", "Italy", "IT", 41.9028, 12.4964, "Europe/Rome"),
    City("Milan", "Lombardy", "Italy", "IT", 45.4642, 9.1900, "Europe/Rome"),
    City("Naples", "Campania", "Italy", "IT", 40.8518, 14.2681, "Europe/Rome"),
    City("São Paulo", "São Paulo", "Brazil", "BR", -23.5505, -46.6333, "America/Sao_Paulo"),
    City("Rio de Janeiro", "Rio de Janeiro", "Brazil", "BR", -22.9068, -43.1729, "America/Sao_Paulo"),
    City("Amsterdam", "North Holland", "Netherlands", "NL", 52.3676, 4.9041, "Europe/Amsterdam"),
    City("Rotterdam", "South Holland", "Netherlands", "NL", 51.9244, 4.4777, "Europe/Amsterdam"),
    City("Warsaw", "Masovia", "Poland", "PL", 52.2297, 21.0122, "Europe/Warsaw"),
    City("Kraków", "Lesser Poland", "Poland", "PL", 50.0647, 19.9450, "Europe/Warsaw"),
    City("Stockholm", "Stockholm County", "Sweden", "SE", 59.3293, 18.0686, "Europe/Stockholm"),
    City("Gothenburg", "Västra Götaland", "Sweden", "SE", 57.7089, 11.9746, "Europe/Stockholm"),
    City("Malmö", "Skåne", "Sweden", "SE", 55.6050, 13.0038, "Europe/Stockholm"),
    City("Tokyo", "Tokyo", "Japan", "JP", 35.6762, 139.6503, "Asia/Tokyo"),
    City("Osaka", "Osaka", "Japan", "JP", 34.6937, 135.5023, "Asia/Tokyo"),
    City("Shanghai", "Shanghai", "China", "CN", 31.2304, 121.4737, "Asia/Shanghai"),
    City("Beijing", "Beijing", "China", "CN", 39.9042, 116.4074, "Asia/Shanghai"),
    City("Shenzhen", "Guangdong", "China", "CN", 22.5431, 114.0579, "Asia/Shanghai"),
    City("Seoul", "Seoul", "South Korea", "KR", 37.5665, 126.9780, "Asia/Seoul"),
    City("Busan", "Busan", "South Korea", "KR", 35.1796, 129.0756, "Asia/Seoul"),
    City("Riyadh", "Riyadh Province", "Saudi Arabia", "SA", 24.7136, 46.6753, "Asia/Riyadh"),
    City("Jeddah", "Makkah Province", "Saudi Arabia", "SA", 21.4858, 39.1925, "Asia/Riyadh"),
    City("Tel Aviv", "Tel Aviv District", "Israel", "IL", 32.0853, 34.7818, "Asia/Jerusalem"),
    City("Jerusalem", "Jerusalem District", "Israel", "IL", 31.7683, 35.2137, "Asia/Jerusalem"),
    City("Moscow", "Moscow", "Russia", "RU", 55.7558, 37.6173, "Europe/Moscow"),
    City("Saint Petersburg", "Saint Petersburg", "Russia", "RU", 59.9311, 30.3609, "Europe/Moscow"),
    City("Istanbul", "Istanbul", "Turkey", "TR", 41.0082, 28.9784, "Europe/Istanbul"),
    City("Ankara", "Ankara", "Turkey", "TR", 39.9334, 32.8597, "Europe/Istanbul"),
    City("Mumbai", "Maharashtra", "India", "IN", 19.0760, 72.8777, "Asia/Kolkata"),
    City("Bengaluru", "Karnataka", "India", "IN", 12.9716, 77.5946, "Asia/Kolkata"),
    City("New Delhi", "Delhi", "India", "IN", 28.6139, 77.2090, "Asia/Kolkata"),
    City("Dubai", "Dubai", "United Arab Emirates", "AE", 25.2048, 55.2708, "Asia/Dubai"),
    City("Singapore", "Singapore", "Singapore", "SG", 1.3521, 103.8198, "Asia/Singapore"),
    City("Sydney", "New South Wales", "Australia", "AU", -33.8688, 151.2093, "Australia/Sydney"),
    City("Toronto", "Ontario", "Canada", "CA", 43.6532, -79.3832, "America/Toronto"),
)

MARKET = {"US": "North America", "CA": "North America", "BR": "LATAM"}
MARKET.update(dict.fromkeys(("JP", "CN", "KR", "IN", "SG", "AU"), "APAC"))

REPS = ("Alice Martin", "Bogdan Nowak", "Chloé Dubois", "Dev Patel", "Emma Lindqvist")
STAGES = ("Lead", "MQL", "SQL", "Opportunity", "Customer")
STAGE_WEIGHTS = (("", 15), ("Lead", 35), ("MQL", 20), ("SQL", 12), ("Opportunity", 8), ("Customer", 10))
TAGS = (
    "vip",
    "newsletter",
    "webinar-2025",
    "trial",
    "partner",
    "churn-risk",
    "event:websummit",
    "enterprise",
    "smb",
    "beta",
    "referral",
    "gdpr-consent",
    "do-not-call",
    "competitor-user",
)
POSITIONS = (
    "Head of Marketing",
    "Marketing Manager",
    "Growth Lead",
    "CMO",
    "CEO",
    "CTO",
    "VP Sales",
    "Sales Director",
    "Account Executive",
    "Product Manager",
    "Operations Manager",
    "Founder",
    "Procurement Officer",
    "IT Manager",
    "Content Strategist",
    "Demand Generation Manager",
    "Customer Success Manager",
    "Data Analyst",
    "",
)
INDUSTRIES = ("Software", "Retail", "Manufacturing", "Healthcare", "Education", "Finance", "Logistics", "Media")
EMPLOYEES = ("1-10", "11-50", "51-200", "201-1000", "1000+")
APOSTROPHE_NAMES = {
    "en_US": ("O'Brien", "O'Connor", "O'Neill", "D'Arcy"),
    "en_GB": ("O'Brien", "O'Sullivan", "O'Hara"),
    "it_IT": ("D'Angelo", "D'Amico", "Dell'Orto"),
    "fr_FR": ("d'Artois", "D'Alembert"),
}
SOURCES = ("web form", "web form", "web form", "import", "api", "manual")

SITE = "https://www.example.com"
PAGES: tuple[tuple[str, str, int], ...] = (
    ("/", "Example — Marketing automation for teams", 20),
    ("/pricing", "Pricing", 12),
    ("/features", "Features", 8),
    ("/features/automation", "Marketing automation", 5),
    ("/features/segments", "Segments and lists", 4),
    ("/blog", "Blog", 8),
    ("/blog/email-deliverability-checklist", "The email deliverability checklist", 6),
    ("/blog/lead-scoring-101", "Lead scoring 101", 5),
    ("/blog/gdpr-for-marketers", "GDPR for marketers", 3),
    ("/docs/getting-started", "Getting started", 6),
    ("/docs/api", "API reference", 3),
    ("/integrations", "Integrations", 4),
    ("/customers", "Customer stories", 3),
    ("/about", "About us", 2),
    ("/careers", "Careers", 1),
    ("/contact", "Contact us", 3),
    ("/demo", "Book a demo", 3),
    ("/webinars/q3-roadmap", "Webinar: Q3 roadmap", 2),
    ("/resources/state-of-marketing", "State of Marketing 2025", 2),
    ("/changelog", "Changelog", 2),
    ("/security", "Security", 1),
)
REFERRERS = (
    "",
    "",
    "https://www.google.com/",
    "https://www.google.com/",
    "https://www.bing.com/",
    "https://duckduckgo.com/",
    "https://www.linkedin.com/",
    "https://t.co/",
    "https://news.ycombinator.com/",
)
USER_AGENTS: tuple[tuple[str, str], ...] = (
    (
        "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/124.0 Safari/537.36",
        "desktop",
    ),
    (
        "Mozilla/5.0 (Macintosh; Intel Mac OS X 14_4) AppleWebKit/605.1.15 Version/17.4 Safari/605.1.15",
        "desktop",
    ),
    ("Mozilla/5.0 (X11; Linux x86_64; rv:125.0) Gecko/20100101 Firefox/125.0", "desktop"),
    (
        "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/124.0 Edg/124.0",
        "desktop",
    ),
    (
        "Mozilla/5.0 (iPhone; CPU iPhone OS 17_4 like Mac OS X) AppleWebKit/605.1.15 Version/17.4 Mobile/15E148",
        "mobile",
    ),
    ("Mozilla/5.0 (Linux; Android 14; Pixel 8) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/124.0 Mobile", "mobile"),
    ("Mozilla/5.0 (iPad; CPU OS 17_4 like Mac OS X) AppleWebKit/605.1.15 Version/17.4 Mobile/15E148", "tablet"),
)
MAIL_CLIENTS = (("Gmail", "desktop"), ("Apple Mail", "mobile"), ("Outlook", "desktop"), ("Gmail", "mobile"))
ASSETS = (
    "State of Marketing 2025.pdf",
    "Lead scoring workbook.xlsx",
    "Product brochure.pdf",
    "Security whitepaper.pdf",
    "ROI calculator.xlsx",
)
FORMS = ("Contact us", "Request a demo", "Newsletter signup", "Webinar registration", "Free trial")
MESSAGES = (
    "Hi, we would like a quote for 25 seats.",
    "Do you support single sign-on with Okta?",
    "Can we migrate our lists from Mailchimp?",
    "Please call me back next week.",
    "Is there a discount for non-profits?",
    "We need EU data residency — is that possible?",
    "Interested in the enterprise plan.\nBest regards",
)
BUDGETS = ("< 1,000 €", "1,000-5,000 €", "5,000-20,000 €", "> 20,000 €", "not sure yet")
TOOLS = ("HubSpot", "Mailchimp", "Salesforce", "spreadsheets", "an in-house tool")
PLANS = ("Starter", "Growth", "Business", "Enterprise")
EVENTS_MET = ("Web Summit", "SaaStr Europa", "a partner webinar", "the Berlin meetup")
