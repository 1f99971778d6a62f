/** Every view explains itself in one sentence (the text behind its "?" button). */
import { describe, expect, it } from "vitest";
import { HELP } from "./help.js";
import { VIEW_IDS } from "./view.js";

describe("panel help", () => {
  it.each(VIEW_IDS.map((id) => [id]))("%s has one sentence", (id) => {
    const text = HELP[id];
    expect(text).toMatch(/^[A-Zβλ].*\.$/);
    expect(text.slice(0, -1)).not.toMatch(/[.!?]\s+[A-Z]/);
  });
});
