package io.mopao.world.repository;

import io.mopao.world.mapping.JsonConverters;
import io.mopao.world.mapping.LoreEntryData;
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

/** A lorebook (World Info); entries are one JSON document. */
@Entity
@Table(name = "lorebook")
public class LorebookEntity extends PanacheEntityBase {

    @Id
    public UUID id;
    @Version
    public long version;
    @Column(name = "owner_id")
    public String ownerId;
    public String name;
    public String description;
    @Column(name = "scan_depth")
    public Integer scanDepth;
    @Column(name = "token_budget")
    public Integer tokenBudget;
    @Column(name = "recursive_scanning")
    public boolean recursiveScanning;
    @Convert(converter = JsonConverters.LoreEntries.class)
    public List<LoreEntryData> entries;
    @Column(name = "entry_count")
    public int entryCount;
    @Column(name = "created_at")
    public Instant createdAt;
    @Column(name = "updated_at")
    public Instant updatedAt;
}
