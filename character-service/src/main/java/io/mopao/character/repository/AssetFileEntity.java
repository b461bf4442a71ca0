package io.mopao.character.repository;

import io.quarkus.hibernate.reactive.panache.PanacheEntityBase;
import jakarta.persistence.Column;
import jakarta.persistence.Embeddable;
import jakarta.persistence.EmbeddedId;
import jakarta.persistence.Entity;
import jakarta.persistence.Table;
import java.io.Serializable;
import java.util.UUID;

/** A file of an imported CHARX archive other than {@code card.json}; written back on CHARX export. */
@Entity
@Table(name = "character_asset_files")
public class AssetFileEntity extends PanacheEntityBase {

    /** Primary key: character id and path inside the archive. */
    @Embeddable
    public record Key(@Column(name = "character_id") UUID characterId, @Column(name = "path") String path) implements Serializable {
    }

    @EmbeddedId
    public Key key;

    @Column(nullable = false)
    public byte[] data;
}
