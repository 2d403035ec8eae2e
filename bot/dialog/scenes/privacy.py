"""Personal data, from the conversation: /confidentialite (the notice), /mes_donnees (a JSON file of
everything stored about the person), /supprimer (everything erased, after an explicit confirmation)."""

from __future__ import annotations

import json

from bot.dialog.scene import WAIT, Next, Scene, Step
from bot.dialog.scenes.question import answer_then_ask
from bot.dialog.texts import t
from bot.dialog.turn import Turn, button


def _privacy(turn: Turn):
    from bot.privacy import Privacy

    return Privacy(turn.parts)


def cmd_notice(turn: Turn, args: str = "") -> Next:
    turn.send(_privacy(turn).notice())
    turn.session.notice_given = True
    return WAIT if turn.step == "menu" else Next()


def cmd_my_data(turn: Turn, args: str = "") -> Next:
    from bot.privacy import export_name

    data = _privacy(turn).export(turn.user_id)
    turn.out_dir.mkdir(parents=True, exist_ok=True)
    path = turn.out_dir / export_name(turn.user_id)
    path.write_text(json.dumps(data, ensure_ascii=False, indent=2), encoding="utf-8")
    path.chmod(0o600)
    turn.send(t("privacy.my_data"), document=path, document_name=path.name)
    return WAIT if turn.step == "menu" else Next()


def cmd_erase(turn: Turn, args: str = "") -> Next:
    turn.session.interrupt()
    return Next("erase_confirm")


def ask_erase(turn: Turn) -> None:
    turn.say("privacy.erase_confirm", [button("privacy.erase_yes", "priv:erase"), button("privacy.erase_no", "go:menu")])


def on_button(turn: Turn, arg: str) -> Next:
    if arg != "erase" or turn.step != "erase_confirm":
        turn.say("unknown_button")
        return Next("menu")
    turn.forget_me = True  # the engine erases everything once the turn is committed
    turn.say("privacy.erased")
    return Next("menu", prompt=False)


SCENE = Scene(
    name="privacy",
    steps={"erase_confirm": Step(ask_erase, answer_then_ask)},
    commands={"confidentialite": cmd_notice, "confidentialité": cmd_notice, "mes_donnees": cmd_my_data,
              "supprimer": cmd_erase},
    actions={"priv": on_button, "go:privacy": cmd_notice},
)
