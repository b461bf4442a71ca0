package io.mopao.world;

import static io.mopao.world.Api.as;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.contains;
import static org.hamcrest.Matchers.empty;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasItem;
import static org.hamcrest.Matchers.hasSize;
import static org.hamcrest.Matchers.not;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.mopao.events.EventEnvelope;
import io.mopao.events.story.TranscriptShared;
import io.quarkus.redis.datasource.RedisDataSource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.response.Response;
import jakarta.inject.Inject;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;

@QuarkusTest
class SocialFeedTest {

    @Inject
    RedisDataSource redis;

    /** Publishes a share by bob and waits until it is a post; returns the post id. */
    static String sharedPost(String owner, String title) {
        TranscriptShared shared = StoryEvents.share(Api.sub(owner), owner, title);
        StoryEvents.send(StoryEvents.envelope(shared));
        return awaitPost(owner, title);
    }

    static String awaitPost(String owner, String title) {
        String sub = Api.sub(owner);
        await().atMost(StoryEvents.patience()).until(() -> as(null).queryParam("limit", 50).get("/api/creators/" + sub + "/posts")
            .then().extract().<List<String>>path("title").contains(title));
        List<Map<String, Object>> posts = as(null).queryParam("limit", 50).get("/api/creators/" + sub + "/posts").then()
            .extract().path("$");
        return posts.stream().filter(p -> title.equals(p.get("title"))).map(p -> (String) p.get("id")).findFirst().orElseThrow();
    }

    /** Fan-out happens right after the post's commit: wait until it reached the user's timeline. */
    static void awaitInTimeline(String user, String post) {
        // no GPath closures here: they are compiled by Groovy on the polling thread
        await().pollInSameThread().atMost(StoryEvents.patience()).until(() -> {
            List<Map<String, Object>> items = as(user).queryParam("limit", 50).get("/api/timeline").then().statusCode(200).extract()
                .path("items");
            return items.stream().anyMatch(i -> post.equals(i.get("id")) && "followed".equals(i.get("reason")));
        });
    }

    static List<String> timeline(String user) {
        return as(user).queryParam("limit", 50).get("/api/timeline").then().statusCode(200).extract().path("items.id");
    }

    @Test
    void sharedTranscriptAppearsInFollowersTimeline() {
        String bob = Api.sub("bob");
        as("alice").put("/api/creators/" + bob + "/follow").then().statusCode(200).body("following", equalTo(true));
        String title = "Night at the lighthouse " + UUID.randomUUID();
        String post = sharedPost("bob", title);
        awaitInTimeline("alice", post);

        Response page = as("alice").queryParam("limit", 50).get("/api/timeline");
        page.then().statusCode(200).body("servedFrom", equalTo("redis"));
        List<Map<String, Object>> items = page.path("items");
        Map<String, Object> card = items.stream().filter(i -> post.equals(i.get("id"))).findFirst().orElseThrow();
        assertEquals("followed", card.get("reason"));
        assertEquals(title, card.get("title"));
        assertEquals(3, card.get("messageCount"));
        awaitInTimeline("bob", post);
        as("carol").put("/api/creators/" + bob + "/follow").then().statusCode(200);
        awaitInTimeline("carol", post);

        as(null).get("/api/posts/" + post).then().statusCode(200).body("messages", hasSize(3)).body("authorName", equalTo("bob"));
        as(null).get("/api/creators/" + bob).then().statusCode(200).body("displayName", equalTo("bob"));
        as(null).get("/api/timeline").then().statusCode(401);
    }

    @Test
    void timelineEvictedFromRedisIsRebuiltFromTheDatabase() {
        String bob = Api.sub("bob");
        as("carol").put("/api/creators/" + bob + "/follow").then().statusCode(200);
        String post = sharedPost("bob", "Evicted " + UUID.randomUUID());
        String carol = Api.sub("carol");
        redis.key().del("mopao:world:tl:" + carol, "mopao:world:tl:" + carol + ":ok", "mopao:world:card:" + post);

        assertEquals(true, timeline("carol").contains(post));
        assertEquals(1, redis.key().exists("mopao:world:tl:" + carol + ":ok") ? 1 : 0);
    }

    @Test
    void timelinePagesFollowTheCursorWithoutGapsOrRepeats() {
        String carol = Api.sub("carol");
        String last = null;
        for (int i = 0; i < 4; i++) {
            last = sharedPost("carol", "Page " + i + " " + UUID.randomUUID());
        }
        awaitInTimeline("carol", last);
        List<Map<String, Object>> whole = followed(as("carol").queryParam("limit", 4).get("/api/timeline").then().statusCode(200)
            .body("servedFrom", equalTo("redis")).extract().path("items"));
        assertEquals(4, whole.size(), "carol's own posts are in her timeline");

        Response first = as("carol").queryParam("limit", 2).get("/api/timeline");
        first.then().statusCode(200).body("servedFrom", equalTo("redis"));
        long cursor = first.<Number>path("nextBefore").longValue();
        Response second = as("carol").queryParam("limit", 2).queryParam("before", cursor).get("/api/timeline");
        second.then().statusCode(200).body("servedFrom", equalTo("redis")).body("items.reason", not(hasItem("trending")));
        List<Map<String, Object>> pages = new ArrayList<>(followed(first.path("items")));
        pages.addAll(followed(second.path("items")));

        assertEquals(whole.stream().map(i -> i.get("id")).toList(), pages.stream().map(i -> i.get("id")).toList());
        assertEquals(cursor, Instant.parse((String) pages.get(1).get("createdAt")).toEpochMilli());
        assertEquals(true, followed(second.path("items")).stream()
            .allMatch(i -> Instant.parse((String) i.get("createdAt")).toEpochMilli() < cursor), "page two is older than the cursor");
        assertEquals(carol, whole.getFirst().get("authorId"));
    }

    /** The items of a page that came from the timeline itself (not the trending posts blended into page one). */
    static List<Map<String, Object>> followed(List<Map<String, Object>> items) {
        return items.stream().filter(i -> "followed".equals(i.get("reason"))).toList();
    }

    @Test
    void concurrentTimelineReadsAreAllServedFromRedis() throws Exception {
        String bob = Api.sub("bob");
        as("alice").put("/api/creators/" + bob + "/follow").then().statusCode(200);
        String post = sharedPost("bob", "Crowded " + UUID.randomUUID());
        awaitInTimeline("alice", post);
        String token = io.mopao.events.testing.KeycloakTokens.accessToken("alice");
        int readers = 64;
        ExecutorService pool = Executors.newFixedThreadPool(readers);
        try {
            List<Callable<String>> reads = new ArrayList<>();
            for (int i = 0; i < readers * 4; i++) {
                reads.add(() -> io.restassured.RestAssured.given().auth().oauth2(token).get("/api/timeline").then().statusCode(200)
                    .extract().path("servedFrom"));
            }
            List<String> servedFrom = new ArrayList<>();
            for (Future<String> f : pool.invokeAll(reads)) {
                servedFrom.add(f.get());
            }
            // each read waits for pooled Redis connections; a full wait queue would have sent pages to the PostgreSQL fallback
            assertEquals(List.of("redis"), servedFrom.stream().distinct().toList());
        } finally {
            pool.shutdown();
        }
    }

    @Test
    void transcriptSharedDeliveredTwiceYieldsOnePost() {
        String bob = Api.sub("bob");
        String title = "Twice " + UUID.randomUUID();
        String session = "session-" + UUID.randomUUID();
        TranscriptShared shared = StoryEvents.share(bob, "bob", title, "share-" + UUID.randomUUID(), session);
        EventEnvelope<TranscriptShared> envelope = StoryEvents.envelope(shared);
        StoryEvents.send(envelope);
        StoryEvents.send(envelope);
        StoryEvents.send(StoryEvents.envelope(shared));
        String marker = "After twice " + UUID.randomUUID();
        StoryEvents.send(StoryEvents.envelope(StoryEvents.share(bob, "bob", marker, "share-" + UUID.randomUUID(), session)));
        awaitPost("bob", marker);

        List<String> titles = as(null).queryParam("limit", 50).get("/api/creators/" + bob + "/posts").then().extract().path("title");
        assertEquals(1, titles.stream().filter(title::equals).count());
    }

    @Test
    void likesAreCountedOncePerUserUnderConcurrentRequests() throws Exception {
        String post = sharedPost("bob", "Likeable " + UUID.randomUUID());
        String aliceToken = io.mopao.events.testing.KeycloakTokens.accessToken("alice");
        String carolToken = io.mopao.events.testing.KeycloakTokens.accessToken("carol");
        ExecutorService pool = Executors.newFixedThreadPool(16);
        try {
            List<Callable<Integer>> calls = new ArrayList<>();
            for (int i = 0; i < 40; i++) {
                String token = i % 2 == 0 ? aliceToken : carolToken;
                calls.add(() -> io.restassured.RestAssured.given().auth().oauth2(token).put("/api/posts/" + post + "/like").statusCode());
            }
            for (Future<Integer> f : pool.invokeAll(calls)) {
                assertEquals(200, f.get());
            }
        } finally {
            pool.shutdown();
        }
        as("alice").get("/api/posts/" + post).then().statusCode(200).body("likeCount", equalTo(2)).body("likedByMe", equalTo(true));
        as("bob").get("/api/posts/" + post).then().body("likedByMe", equalTo(false));
        as("alice").delete("/api/posts/" + post + "/like").then().statusCode(200).body("likeCount", equalTo(1));
        as("alice").delete("/api/posts/" + post + "/like").then().statusCode(200).body("likeCount", equalTo(1));
        as(null).put("/api/posts/" + post + "/like").then().statusCode(401);
        awaitInTimeline("bob", post);
        as("bob").get("/api/timeline").then().body("items.find { it.id == '" + post + "' }.likeCount", equalTo(1));
    }

    @Test
    void hiddenPostDisappearsFromEveryTimelineAndComesBackWhenRestored() {
        String bob = Api.sub("bob");
        as("alice").put("/api/creators/" + bob + "/follow").then().statusCode(200);
        as("carol").put("/api/creators/" + bob + "/follow").then().statusCode(200);
        String post = sharedPost("bob", "Hide me " + UUID.randomUUID());
        for (String user : List.of("alice", "carol", "bob")) {
            awaitInTimeline(user, post);
        }
        as("alice").put("/api/posts/" + post + "/like").then().statusCode(200);
        as(null).get("/api/posts/trending").then().body("id", hasItem(post));

        as("carol").body(Map.of("targetType", "post", "targetId", post, "reason", "spam")).post("/api/reports").then().statusCode(202);
        as("carol").body(Map.of("targetType", "post", "targetId", post, "reason", "spam")).post("/api/reports").then().statusCode(202);
        as("mod").get("/api/moderation/reports").then().statusCode(200).body("findAll { it.targetId == '" + post + "' }", hasSize(1));
        Map<String, String> hide = Map.of("action", "hide", "targetType", "post", "targetId", post, "reason", "spam report");
        as("alice").body(hide).post("/api/moderation/actions").then().statusCode(403);
        as("mod").body(hide).post("/api/moderation/actions").then().statusCode(200).body("action", equalTo("hide"));

        for (String user : List.of("alice", "carol", "bob", "mod")) {
            assertEquals(false, timeline(user).contains(post), user);
        }
        as(null).get("/api/posts/trending").then().body("id", not(hasItem(post)));
        as(null).get("/api/creators/" + bob + "/posts").then().body("id", not(hasItem(post)));
        as("alice").get("/api/posts/" + post).then().statusCode(404);
        as("mod").get("/api/posts/" + post).then().statusCode(200).body("hidden", equalTo(true));
        as("alice").put("/api/posts/" + post + "/like").then().statusCode(404);
        as("mod").get("/api/moderation/reports").then().body("findAll { it.targetId == '" + post + "' }", empty());

        as("mod").body(Map.of("action", "restore", "targetType", "post", "targetId", post, "reason", "appeal accepted"))
            .post("/api/moderation/actions").then().statusCode(200);
        awaitInTimeline("alice", post);
        as("mod").queryParam("targetId", post).get("/api/moderation/actions").then().statusCode(200)
            .body("action", contains("restore", "hide"))
            .body("moderatorId", hasItem(Api.sub("mod")));
        as("alice").queryParam("targetId", post).get("/api/moderation/actions").then().statusCode(403);
    }

    @Test
    void commentsAreThreadedOneLevel() {
        String post = sharedPost("bob", "Discuss " + UUID.randomUUID());
        String top = as("alice").body(Map.of("body", "Lovely 很好")).post("/api/posts/" + post + "/comments").then().statusCode(201)
            .extract().path("id");
        String reply = as("carol").body(Map.of("body", "Agreed", "parentId", top)).post("/api/posts/" + post + "/comments").then()
            .statusCode(201).extract().path("id");
        as("bob").body(Map.of("body", "Too deep", "parentId", reply)).post("/api/posts/" + post + "/comments").then().statusCode(400)
            .body("code", equalTo("validation_failed"));
        as("bob").body(Map.of("body", " ")).post("/api/posts/" + post + "/comments").then().statusCode(400);
        as(null).body(Map.of("body", "anon")).post("/api/posts/" + post + "/comments").then().statusCode(401);
        as(null).get("/api/posts/" + post + "/comments").then().statusCode(200)
            .body("id", contains(top))
            .body("[0].replies.id", contains(reply));
        as(null).get("/api/posts/" + post).then().body("commentCount", equalTo(2));

        as("mod").body(Map.of("action", "hide", "targetType", "comment", "targetId", reply, "reason", "rude"))
            .post("/api/moderation/actions").then().statusCode(200);
        as(null).get("/api/posts/" + post + "/comments").then().body("[0].replies", empty());
        as(null).get("/api/posts/" + post).then().body("commentCount", equalTo(1));
    }

    @Test
    void playFromHereGivesTheForkPointAndTranscriptPrefix() {
        String post = sharedPost("bob", "Fork me " + UUID.randomUUID());
        as(null).queryParam("messageId", "m2").get("/api/posts/" + post + "/play-from-here").then().statusCode(200)
            .body("forkMessageId", equalTo("m2"))
            .body("messages.id", contains("m1", "m2"))
            .body("characterIds", contains("char-1"));
        as(null).get("/api/posts/" + post + "/play-from-here").then().statusCode(200).body("forkMessageId", equalTo("m3"));
        as(null).queryParam("messageId", "nope").get("/api/posts/" + post + "/play-from-here").then().statusCode(400);
    }

    @Test
    void followRulesAndProfiles() {
        String alice = Api.sub("alice");
        as("alice").put("/api/creators/" + alice + "/follow").then().statusCode(400);
        as(null).put("/api/creators/" + Api.sub("bob") + "/follow").then().statusCode(401);
        as("alice").body(Map.of("bio", "I read everything", "avatarUrl", "https://example.org/a.png")).put("/api/creators/me").then()
            .statusCode(200).body("bio", equalTo("I read everything"));
        as("alice").body(Map.of("avatarUrl", "javascript:alert(1)")).put("/api/creators/me").then().statusCode(400);
        as(null).get("/api/creators/nobody-" + UUID.randomUUID()).then().statusCode(404);
        as("carol").put("/api/creators/" + alice + "/follow").then().statusCode(200);
        as("carol").put("/api/creators/" + alice + "/follow").then().statusCode(200);
        as("carol").get("/api/creators/" + alice).then().body("followedByMe", equalTo(true));
        as("carol").delete("/api/creators/" + alice + "/follow").then().statusCode(200).body("following", equalTo(false));
        as("carol").get("/api/creators/" + alice).then().body("followedByMe", equalTo(false));
    }

    static byte[] utf8(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }
}
