"""The field registry: one label, unit and help text per column, for axes, hovers, tables and the
data dictionary. Pages and charts read labels from here so the same field reads the same everywhere.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class FieldInfo:
    label: str
    help: str
    unit: str | None = None
    fmt: str | None = None  # printf-style format for st.column_config number columns

    @property
    def title(self) -> str:
        """Axis/column title with the unit, e.g. 'Total parameters (B)'."""
        return f"{self.label} ({self.unit})" if self.unit else self.label


FIELDS: dict[str, FieldInfo] = {
    "id": FieldInfo("Model id", "Stable id: '<family file>/<variant key>'. Never reused."),
    "name": FieldInfo("Model", "Display name of the variant."),
    "family": FieldInfo("Family", "The release family the variant belongs to."),
    "organization": FieldInfo("Organization", "Who released the model."),
    "country": FieldInfo("Country", "Country of the releasing organization's headquarters (ISO 3166 code)."),
    "release_date": FieldInfo("Released", "Release date at the precision the source gives (year, month or day); "
                              "the event column says which date it is (weights, announcement, paper, API)."),
    "release_event": FieldInfo("Date is", "Which event the release date marks: first public weights, "
                               "announcement, paper or API launch."),
    "weights": FieldInfo("Weights", "open: downloadable; gated_open: downloadable after accepting terms; "
                         "closed: API/product only; unreleased."),
    "license": FieldInfo("License", "The license the weights are released under (id of a license file)."),
    "license_tier": FieldInfo("License tier", "permissive / conditional / non-commercial / research-only / "
                              "proprietary (closed weights)."),
    "commercial_use": FieldInfo("Commercial use", "yes / conditional (caps, policies) / no, per the license text."),
    "architecture": FieldInfo("Architecture", "dense: every parameter used per token; moe: a mixture of experts."),
    "params_total_b": FieldInfo("Total parameters", "All parameters, in billions, as the source states them.",
                                "B", "%.2f"),
    "params_active_b": FieldInfo("Active parameters", "Parameters used per token (MoE), in billions, as stated.",
                                 "B", "%.2f"),
    "params_effective_b": FieldInfo("Effective size √(total·active)",
                                    "Geometric mean of total and active parameters: one size for MoE and dense.",
                                    "B", "%.2f"),
    "experts_total": FieldInfo("Experts", "Routed experts per MoE layer.", None, "%d"),
    "experts_active": FieldInfo("Active experts", "Routed experts chosen per token.", None, "%d"),
    "experts_shared": FieldInfo("Shared experts", "Experts every token always uses.", None, "%d"),
    "context_length": FieldInfo("Context length", "Maximum context window.", "tokens", "%d"),
    "vocab_size": FieldInfo("Vocabulary", "Tokenizer vocabulary size.", "tokens", "%d"),
    "layers": FieldInfo("Layers", "Transformer blocks.", None, "%d"),
    "hidden_size": FieldInfo("Hidden size", "Model (residual stream) width.", None, "%d"),
    "training_tokens_t": FieldInfo("Training tokens", "Pre-training tokens, in trillions, where disclosed.",
                                   "T", "%.2f"),
    "modalities_in": FieldInfo("Input", "Input modalities."),
    "modalities_out": FieldInfo("Output", "Output modalities."),
    "kind": FieldInfo("Kind", "base (pre-trained), instruct (chat/instruction-tuned) or reasoning."),
    "base_model": FieldInfo("Base model", "The catalog model it was trained from (lineage)."),
    "hf_repo": FieldInfo("Hugging Face repo", "The official weights repository."),
    "embedding_share": FieldInfo("Embedding share", "vocab × hidden ÷ total parameters: the share of the "
                                 "model spent on the input embedding.", "%", "%.1f"),
    "downloads_30d": FieldInfo("Downloads (30 days)", "Hugging Face downloads in the last 30 days.", None, "%d"),
    "likes": FieldInfo("Likes", "Hugging Face likes.", None, "%d"),
}


def label(name: str) -> str:
    info = FIELDS.get(name)
    return info.title if info else name.replace("_", " ").capitalize()
