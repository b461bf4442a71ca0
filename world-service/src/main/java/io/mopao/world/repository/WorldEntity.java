package io.mopao.world.repository;

import io.mopao.events.world.WorldSnapshot;
import io.mopao.world.mapping.JsonConverters;
import io.quarkus.hibernate.reactive.panache.PanacheEntityBase;
import jakarta.persistence.Column;
import jakarta.persistence.Convert;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.Table;
import jakarta.persistence.Version;
import java.time.Instant;
import java.util.List;
import java.util.UUID;

/** A world authored by a creator. */
@Entity
@Table(name = "world")
public class WorldEntity extends PanacheEntityBase {

    @Id
    public UUID id;
    @Version
    public long version;
    @Column(name = "owner_id")
    public String ownerId;
    @Column(name = "owner_name")
    public String ownerName;
    public String title;
    public String setting;
    public String rules;
    public String tone;
    @Column(name = "content_rating")
    public String contentRating;
    public String visibility;
    public boolean hidden;
    @Column(name = "cover_image_url")
    public String coverImageUrl;
    @Convert(converter = JsonConverters.Locations.class)
    public List<WorldSnapshot.Location> locations;
    @Column(name = "cast_ids")
    @Convert(converter = JsonConverters.Strings.class)
    public List<String> castCharacterIds;
    @Column(name = "opening_scenes")
    @Convert(converter = JsonConverters.OpeningScenes.class)
    public List<WorldSnapshot.OpeningScene> openingScenes;
    @Convert(converter = JsonConverters.Strings.class)
    public List<String> tags;
    @Column(name = "search_text")
    public String searchText;
    @Column(name = "created_at")
    public Instant createdAt;
    @Column(name = "updated_at")
    public Instant updatedAt;
}
