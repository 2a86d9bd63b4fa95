package io.stellarelease.clients;

import java.nio.file.Path;

/** Gitea's package registry endpoints ({@code /api/packages/{owner}/...}), which its swagger does not describe. */
public interface GtPackagesApi {

    /** {@code PUT /api/packages/{owner}/nuget/} with {@code X-NuGet-ApiKey}; 409 is {@link GtPackageResult.Outcome#DUPLICATE}. */
    GtPackageResult pushNuget(String owner, Path nupkg);

    /** {@code POST /api/packages/{owner}/helm/api/charts} with the chart .tgz; 409 is a duplicate. */
    GtPackageResult uploadHelmChart(String owner, Path chartTgz);
}
