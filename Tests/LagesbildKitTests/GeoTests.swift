import Foundation
import Testing
@testable import LagesbildModel

/// SWEREF 99 TM against PROJ, and the shipped boundaries.
@Suite struct GeoTests {
    /// Expected values from PROJ 9 (pyproj 3.7, EPSG:4326 → EPSG:3006), to the millimetre.
    @Test(arguments: [
        (60.0, 15.0, 6_651_411.190, 500_000.000),
        (59.3293, 18.0686, 6_580_743.008, 674_571.866),
        (55.5, 11.0, 6_157_704.988, 247_391.140),
        (68.9, 24.1, 7_670_285.568, 864_459.447),
        (63.8, 16.5, 7_075_595.801, 573_887.061),
    ])
    func projectionAgreesWithPROJ(latitude: Double, longitude: Double, north: Double, east: Double) {
        let point = SWEREF99TM.project(latitude: latitude, longitude: longitude)
        #expect(abs(point.north - north) < 0.002 && abs(point.east - east) < 0.002, "\(point)")
    }

    @Test func everyMunicipalityHasABoundaryInItsCounty() {
        #expect(KommunBoundaries.all.count == 290)
        let jamtland = KommunBoundaries.inLan("23")
        #expect(jamtland.map(\.kod) == ["2303", "2305", "2309", "2313", "2321", "2326", "2361", "2380"])
        #expect(Set(KommunBoundaries.all.map(\.kod)) == Set(RegionRegister.kommuner.map(\.code)))
        // Strömsund lies north of Östersund, and every ring is closed and inside Sweden.
        let stromsund = jamtland.first { $0.kod == "2313" }!, ostersund = jamtland.first { $0.kod == "2380" }!
        #expect(stromsund.labelPoint.north > ostersund.labelPoint.north)
        for boundary in KommunBoundaries.all {
            for polygon in boundary.polygons {
                for ring in polygon.rings {
                    #expect(ring.first == ring.last && ring.count >= 4)
                    #expect(ring.allSatisfy { SWEREF99TM.swedenNorth.contains($0.north) && SWEREF99TM.swedenEast.contains($0.east) }, "\(boundary.kod)")
                }
            }
        }
    }
}
