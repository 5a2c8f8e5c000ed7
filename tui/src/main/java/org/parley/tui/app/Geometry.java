package org.parley.tui.app;

/** The timeline's size on screen now, in columns and rows. */
public record Geometry(int timelineWidth, int timelineHeight) {
}
