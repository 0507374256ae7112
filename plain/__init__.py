"""Plain-text helpers shared by every layer: showing data literally, HTML to text. No imports from Dossier."""
