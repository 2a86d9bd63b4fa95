package io.stellarelease.sharedstore;

import io.stellarelease.history.ReleaseHistory;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;

/** The release history's manifests in the shared store's {@code history} table: every instance reads one history. */
public class PgHistoryShelf implements ReleaseHistory.Shelf {
    private final SharedStore store;

    public PgHistoryShelf(SharedStore store) {
        this.store = store;
    }

    @Override
    public void put(String kind, String tag, byte[] manifest) {
        try (Connection c = store.dataSource().getConnection();
             PreparedStatement u = c.prepareStatement("insert into history (kind, tag, manifest) values (?, ?, ?) "
                     + "on conflict (kind, tag) do update set manifest = excluded.manifest, recorded_at = now()")) {
            u.setString(1, kind);
            u.setString(2, tag);
            u.setBytes(3, manifest);
            u.executeUpdate();
        } catch (SQLException e) {
            throw new IllegalStateException("could not record " + tag + " in the shared release history: " + e.getMessage(), e);
        }
    }

    @Override
    public List<Stored> all() {
        List<Stored> all = new ArrayList<>();
        try (Connection c = store.dataSource().getConnection();
             PreparedStatement q = c.prepareStatement("select kind, tag, manifest, recorded_at from history order by recorded_at, tag");
             ResultSet rs = q.executeQuery()) {
            while (rs.next()) {
                all.add(new Stored(rs.getString(1), rs.getString(2), rs.getBytes(3), rs.getTimestamp(4).toInstant()));
            }
        } catch (SQLException e) {
            throw new IllegalStateException("could not read the shared release history: " + e.getMessage(), e);
        }
        return all;
    }
}
