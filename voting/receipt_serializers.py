"""The API's receipt codes: the one a vote gives, and checking one after the count."""

from rest_framework import serializers

from coop.text import validate_one_line


class ReceiptSerializer(serializers.Serializer):
    receipt = serializers.CharField(
        help_text="Your receipt code. It is shown only now and never stored: keep it to check, "
                  "after the ballot closes, that your vote was counted.")


class ReceiptCheckSerializer(serializers.Serializer):
    """A receipt code to check. It travels in the body, never the address, so no access log
    keeps it; an error never repeats it."""

    code = serializers.CharField(
        max_length=40, trim_whitespace=True,
        help_text="The receipt code, e.g. ABCD-EFGH-JKMN-PQRS (case, spaces and dashes do not "
                  "matter).",
        error_messages={"blank": "Enter your receipt code.",
                        "required": "Enter your receipt code.",
                        "max_length": "A receipt code has 16 letters and numbers.",
                        "invalid": "Enter your receipt code."}, validators=[validate_one_line])

    def validate_code(self, code: str) -> str:
        if len([ch for ch in code if ch.isalnum()]) != 16:
            raise serializers.ValidationError("A receipt code has 16 letters and numbers.")
        return code


class ReceiptStatusSerializer(serializers.Serializer):
    status = serializers.ChoiceField(
        choices=[("counted", "This vote is counted"),
                 ("replaced", "A later vote by the same member counts instead")])
