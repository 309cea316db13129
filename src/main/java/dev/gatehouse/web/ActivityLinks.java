package dev.gatehouse.web;

import java.util.UUID;

import org.springframework.web.util.UriComponentsBuilder;

import dev.gatehouse.audit.ActivityKind;
import dev.gatehouse.audit.ActivityPage;

/**
 * The "Newest", "Newer" and "Older" links of an activity page (null when there is no such page), keeping its
 * filters, so the pages are plain links that work without JavaScript. "Newest" is there on every page but the first.
 */
public record ActivityLinks(String newest, String newer, String older) {

    public static ActivityLinks of(String path, ActivityPage page, ActivityKind kind, UUID member, boolean first) {
        return new ActivityLinks(first ? null : link(path, kind, member, null, null),
                link(path, kind, member, "newer", page.newer()), link(path, kind, member, "older", page.older()));
    }

    private static String link(String path, ActivityKind kind, UUID member, String side, ActivityPage.Cursor at) {
        if (side != null && at == null) {
            return null;
        }
        UriComponentsBuilder uri = UriComponentsBuilder.fromPath(path);
        if (kind != null) {
            uri.queryParam("kind", kind.param());
        }
        if (member != null) {
            uri.queryParam("member", member);
        }
        if (side != null) {
            uri.queryParam(side, at.text());
        }
        return uri.build().encode().toUriString();
    }
}
