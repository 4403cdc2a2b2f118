"""Language detection within a script: Urdu is not Arabic, Ukrainian is not Russian,
Marathi and Nepali are not Hindi; short texts are not claimed with certainty; lingua
is loaded per script on first use, never at start-up, and never reaches the network."""

from __future__ import annotations

import subprocess
import sys
import textwrap

import pytest

from app.translation.detect import LanguageDetector


@pytest.fixture(scope="module")
def detector() -> LanguageDetector:
    return LanguageDetector()


@pytest.mark.parametrize(
    ("text", "code"),
    [
        ("میرا آرڈر ابھی تک نہیں پہنچا۔ براہ کرم بتائیں کہ یہ کب تک آئے گا؟", "ur"),
        ("السلام علیکم، مجھے غلط رنگ کا چارجر ملا ہے، کیا آپ اسے بدل سکتے ہیں؟", "ur"),
        ("سفارش من هنوز نرسیده است. لطفاً بگویید کی به دستم می‌رسد؟", "fa"),
        ("سلام، شارژری که فرستادید خراب است و اصلاً کار نمی‌کند.", "fa"),
        ("طلبي لم يصل حتى الآن، من فضلك أخبرني متى سيصل؟", "ar"),
        ("تمام ميرسي جداً، الاوردر وصل النهارده", "ar"),
        ("Моє замовлення ще не прийшло. Підкажіть, будь ласка, коли його чекати?", "uk"),
        ("Добрий день! Зарядний пристрій не працює, хочу повернути гроші.", "uk"),
        ("Поръчката ми все още не е пристигнала. Можете ли да ми кажете кога ще дойде?", "bg"),
        ("Здравейте, зарядното, което получих, не работи. Искам да го върна.", "bg"),
        ("Мой заказ до сих пор не пришёл. Подскажите, пожалуйста, когда его ждать?", "ru"),
        ("Здравствуйте, зарядка сломалась через неделю. Можно оформить возврат?", "ru"),
        ("Моја поруџбина још увек није стигла. Можете ли ми рећи када ће доћи?", "sr"),
        ("Здраво, пуњач који сам добио не ради. Желим да га вратим.", "sr"),
        ("माझी ऑर्डर अजून आलेली नाही. कृपया सांगा ती कधी येईल?", "mr"),
        ("नमस्कार, मला चुकीचा चार्जर मिळाला आहे. तो बदलून मिळेल का?", "mr"),
        ("मेरा ऑर्डर अभी तक नहीं आया है। कृपया बताइए कि यह कब तक आएगा?", "hi"),
        ("नमस्ते, मुझे गलत चार्जर मिला है। क्या आप इसे बदल सकते हैं?", "hi"),
        ("मेरो अर्डर अझै आएको छैन। कृपया कहिले आउँछ भनेर बताउनुहोस्।", "ne"),
        ("नमस्ते, मलाई गलत चार्जर आयो। तपाईंले यसलाई फेर्न सक्नुहुन्छ?", "ne"),
    ],
)
def test_languages_sharing_a_script_are_told_apart(
    detector: LanguageDetector, text: str, code: str
) -> None:
    found = detector.detect(text)
    assert found is not None and found.code == code, found
    assert 0.5 <= found.confidence <= 1, found


@pytest.mark.parametrize("text", ["спасибо", "شكرا", "धन्यवाद", "ok thanks"])
def test_a_short_text_gets_a_low_confidence(detector: LanguageDetector, text: str) -> None:
    """One word reads as several languages of its script: never 0.99 any more."""
    found = detector.detect(text)
    assert found is not None and found.confidence < 0.3, found


def test_a_script_of_one_language_still_decides_alone(detector: LanguageDetector) -> None:
    found = detector.detect("배송이 너무 늦어요, 언제 도착하나요?")
    assert found is not None and found.code == "ko" and found.confidence >= 0.9


def test_restricted_detectors_are_built_per_script_on_first_use() -> None:
    detector = LanguageDetector()
    assert detector.loaded_scripts() == frozenset()
    detector.detect("Добрий день! Зарядний пристрій не працює.")
    assert detector.loaded_scripts() == {"CYRILLIC"}
    detector.detect("배송이 너무 늦어요")  # one-language script: no lingua at all
    assert detector.loaded_scripts() == {"CYRILLIC"}


def _python(code: str) -> str:
    result = subprocess.run(
        [sys.executable, "-c", textwrap.dedent(code)],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    return result.stdout


def test_making_a_detector_loads_no_language_model() -> None:
    """Start-up (building the service's detector) does not import lingua, let alone
    load a model: that happens on the worker, on the first message."""
    out = _python(
        """
        import sys
        from app.translation.detect import LanguageDetector
        LanguageDetector()
        print("lingua" in sys.modules)
        """
    )
    assert out.strip() == "False"


def test_detection_never_touches_the_network() -> None:
    """Every socket operation is refused (audit hook) while every script's detector is
    built and used: lingua's models ship in the wheel."""
    out = _python(
        """
        import sys

        def refuse(event, args):
            if event.startswith("socket.") or event == "urllib.Request":
                raise RuntimeError("network: " + event)

        sys.addaudithook(refuse)
        from app.translation.detect import LanguageDetector
        detector = LanguageDetector()
        for text in ("Where is my order, please?", "میرا آرڈر ابھی تک نہیں پہنچا",
                     "Моє замовлення ще не прийшло", "माझी ऑर्डर अजून आलेली नाही"):
            print(detector.detect(text).code)
        """
    )
    assert out.split() == ["en", "ur", "uk", "mr"]


def test_the_demo_workspace_does_not_get_worse(detector: LanguageDetector) -> None:
    """The demo's 269 customer messages, as before per-script detection: 230 right,
    13 too short to tell, 5 confident disagreements (code-mixed messages)."""
    from app.config.paths import resources_dir
    from app.contract.demo_schema import load_demo
    from app.translation.pipeline import primary

    demo = load_demo(resources_dir() / "demo")
    customers = {c.id: c for c in demo.customers}
    right = unknown = confidently_wrong = total = 0
    for conversation in demo.conversations:
        expected = customers[conversation.customer].language
        for message in conversation.messages:
            if message.author != "customer":
                continue
            total += 1
            found = detector.detect(message.text)
            if found is None:
                unknown += 1
            elif primary(found.code) == primary(message.language or expected):
                right += 1
            elif found.confidence >= 0.8:
                confidently_wrong += 1
    assert total == 269
    assert right >= 230 and unknown <= 13 and confidently_wrong <= 5, (right, unknown)
