"""The controls of a play's options (PlayOptions), shared by the scenario browser (the
trainee's choice) and Assign… (the trainer's), so both offer and read them alike."""

from __future__ import annotations

from PySide6.QtWidgets import QCheckBox, QDoubleSpinBox, QWidget

from app.domain.training import MAX_CLOCK_SPEED, MIN_CLOCK_SPEED, PlayOptions


def option_controls(
    parent: QWidget, translation: str, etiquette: str, step: float
) -> tuple[QCheckBox, QCheckBox, QDoubleSpinBox]:
    """The translation and etiquette boxes (checked, as PlayOptions' defaults are) and the
    customer's clock speed at 1 ×, within the bounds a play accepts."""
    translate_box = QCheckBox(translation, parent)
    translate_box.setChecked(True)
    etiquette_box = QCheckBox(etiquette, parent)
    etiquette_box.setChecked(True)
    speed_box = QDoubleSpinBox(parent)
    speed_box.setRange(MIN_CLOCK_SPEED, MAX_CLOCK_SPEED)
    speed_box.setSingleStep(step)
    speed_box.setValue(1.0)
    speed_box.setSuffix(" ×")
    return translate_box, etiquette_box, speed_box


def chosen_options(
    translate_box: QCheckBox, etiquette_box: QCheckBox, speed_box: QDoubleSpinBox
) -> PlayOptions:
    """The options these controls show."""
    return PlayOptions(
        translation=translate_box.isChecked(),
        etiquette=etiquette_box.isChecked(),
        clock_speed=float(speed_box.value()),
    )
