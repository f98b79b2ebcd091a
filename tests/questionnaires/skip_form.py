"""An instrument with skip logic and piping, shared by the skip-logic tests."""

SKIP_FORM = """\
consulta_instrument: 1
key: travel
kind: questionnaire
languages: [en, fr]
title: {en: Travel survey, fr: Enquête voyages}
scales:
  - key: agree3
    points:
      - {code: 1, label: {en: Disagree, fr: Pas d’accord}}
      - {code: 2, label: {en: Neutral, fr: Neutre}}
      - {code: 3, label: {en: Agree, fr: D’accord}}
    outside:
      - {code: DK, label: {en: Don't know, fr: Ne sait pas}}
sections:
  - key: A
    label: A)
    title: {en: Travel, fr: Voyages}
    questions:
      - key: travel
        label: 1)
        kind: single_choice
        required: true
        text: {en: "Did you travel for work?", fr: "Avez-vous voyagé pour le travail ?"}
        choices:
          - {code: "yes", label: {en: "Yes", fr: Oui}}
          - {code: "no", label: {en: "No", fr: Non}}
      - key: trips
        label: 2)
        kind: number
        required: true
        text: {en: "How many trips?", fr: "Combien de voyages ?"}
        show_if: {question: travel, equals: "yes"}
  - key: B
    label: B)
    title: {en: Your trips, fr: Vos voyages}
    show_if: {question: travel, equals: "yes"}
    questions:
      - key: b1
        label: 1)
        kind: likert
        scale: agree3
        block: m
        text: {en: The trips were useful, fr: Les voyages étaient utiles}
      - key: b2
        label: 2)
        kind: likert
        scale: agree3
        block: m
        required: true
        text: {en: The trips were too many, fr: Les voyages étaient trop nombreux}
        show_if: {question: trips, gt: 2}
      - key: b3
        label: 3)
        kind: long_text
        text:
          en: "You answered {answer:travel} and {answer:trips} trips: what did they bring?"
          fr: "Vous avez répondu {answer:travel} et {answer:trips} voyages : qu’ont-ils apporté ?"
  - key: C
    label: C)
    title: {en: Last words, fr: Derniers mots}
    questions:
      - key: c1
        label: 1)
        kind: long_text
        text: {en: "Anything else?", fr: "Autre chose ?"}
        show_if:
          any:
            - {question: travel, answered: false}
            - not: {question: b1, in: [1, DK]}
"""
