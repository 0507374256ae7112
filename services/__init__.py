"""Talking to the outside world (Gravatar, geolocation, social feeds, SMTP, Mautic). Never imports Textual."""
