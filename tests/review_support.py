"""Driving the review workflow in tests: a draft filled through the form, a person's side of the
conversation, the notifications waiting for them. No model (the fake answerer and checker)."""

from __future__ import annotations

from bot.dialog import Input

ANSWERS = [
    "Communauté de communes du Val Vert", "Ardèche", "/passer",
    "Marie Dupont, cheffe de projet, marie@valvert.fr", "yes",
    "Dépôts sauvages", "déchets", "Notre politique de propreté des espaces publics",
    "Détecter les dépôts sauvages avec les signalements des habitants pour organiser les tournées",
    "Les signalements de l'application des habitants", "Moins de dépôts sauvages signalés", "idée",
    "Jean Martin, référent data, jean@valvert.fr", "yes",
    "Luc Petit, chef du service déchets, luc@valvert.fr", "yes",
    "Apprendre à mener un projet de données avec les services",
]


class Person:
    """One person's conversation with the engine: what they type and press, what they were last shown."""

    def __init__(self, engine, user: str, name: str | None = None):
        self.engine, self.user, self.name, self.replies = engine, user, name, []

    def says(self, line: str):
        inp = Input.parse(line).model_copy(update={"name": self.name})
        self.replies = self.engine.handle(self.user, inp)
        return self.replies

    def presses(self, value: str, version: int | None = "latest"):
        if version == "latest":
            version = next((r.version for r in reversed(self.replies) if r.buttons), None)
        self.replies = self.engine.handle(self.user, Input(kind="button", text=value, version=version, name=self.name))
        return self.replies

    @property
    def text(self) -> str:
        return "\n".join(r.text for r in self.replies)

    def buttons(self) -> list[str]:
        return [b.value for r in self.replies for b in r.buttons]

    def inbox(self):
        """Notifications waiting for this person, marked delivered (as a face would)."""
        notes = self.engine.pending(self.user)
        self.engine.delivered(notes)
        return notes

    def inbox_text(self) -> str:
        return "\n".join(n.reply.text for n in self.inbox())


def fill_draft(person: Person) -> int:
    """A complete draft written through the form; returns its number."""
    person.says("/candidature")
    for answer in ANSWERS:
        if answer == "yes":
            person.presses("form:yes")
        else:
            person.says(answer)
    return person.engine.state(person.user).form.draft_id


def submit(person: Person) -> None:
    person.says("/soumettre")
    person.presses("sub:yes")
